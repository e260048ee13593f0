with

source as (
    select * from {{ ref('engagement_bands') }}
),

renamed as (
    select
        {{ try_cast(clean_text('band'), dbt.type_int()) }} as band,
        {{ clean_text('band') }} as band_text,
        {{ try_cast(clean_text('min_engagement_score'), type_double()) }} as min_engagement_score,
        {{ clean_text('min_engagement_score') }} as min_engagement_score_text
    from source
),

final as (
    select
        band,
        band_text,
        min_engagement_score,
        min_engagement_score_text,
        -- a band holds the scores from its minimum up to the next higher minimum
        lead(min_engagement_score) over (order by min_engagement_score asc nulls first) as next_min_engagement_score
    from renamed
)

select * from final
