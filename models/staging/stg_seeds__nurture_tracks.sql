with

source as (
    select * from {{ ref('nurture_tracks') }}
),

renamed as (
    select
        ---------- ids
        {{ clean_text('track') }} as track,
        ---------- audience: '|'-separated lists, split by int_nurture_track_items
        {{ clean_text('fit_grades') }} as fit_grades,
        {{ clean_text('engagement_bands') }} as engagement_bands,
        ---------- ordering
        {{ try_cast(clean_text('sort_order'), dbt.type_int()) }} as sort_order,
        {{ clean_text('description') }} as description,
        ---------- as typed by the analyst, for seed validation messages
        {{ clean_text('sort_order') }} as sort_order_text
    from source
),

final as (
    select * from renamed
)

select * from final
