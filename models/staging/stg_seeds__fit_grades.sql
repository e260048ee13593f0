with

source as (
    select * from {{ ref('fit_grades') }}
),

renamed as (
    select
        {{ clean_text('grade') }} as grade,
        {{ try_cast(clean_text('min_fit_score'), type_double()) }} as min_fit_score,
        {{ clean_text('min_fit_score') }} as min_fit_score_text
    from source
),

final as (
    select
        grade,
        min_fit_score,
        min_fit_score_text,
        -- a grade holds the scores from its minimum up to the next higher minimum
        lead(min_fit_score) over (order by min_fit_score asc nulls first) as next_min_fit_score,
        rank() over (order by min_fit_score desc nulls last) as grade_rank
    from renamed
)

select * from final
