with

source as (
    select * from {{ ref('mql_thresholds') }}
),

renamed as (
    select
        ---------- criteria
        {{ try_cast(clean_text('min_total_score'), type_double()) }} as min_total_score,
        {{ try_cast(clean_text('min_fit_score'), type_double()) }} as min_fit_score,
        {{ try_cast(clean_text('min_engagement_score'), type_double()) }} as min_engagement_score,
        ---------- as typed by the analyst, for seed validation messages
        {{ clean_text('min_total_score') }} as min_total_score_text,
        {{ clean_text('min_fit_score') }} as min_fit_score_text,
        {{ clean_text('min_engagement_score') }} as min_engagement_score_text,
        {{ clean_text('valid_from') }} as valid_from_text,
        ---------- versioning
        {{ try_cast(clean_text('valid_from'), 'date') }} as valid_from
    from source
),

final as (
    select
        *,
        {{ rule_validity_columns() }}
    from renamed
)

select * from final
