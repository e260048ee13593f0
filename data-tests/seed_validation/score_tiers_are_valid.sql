{#- Every problem in seeds/fit_grades.csv and seeds/engagement_bands.csv, one row each. -#}
{{ config(severity='error') }}

with

grades as (
    select * from {{ ref('stg_seeds__fit_grades') }}
),

bands as (
    select * from {{ ref('stg_seeds__engagement_bands') }}
),

problems as (
    select
        'seeds/fit_grades.csv' as seed,
        grade as tier,
        'grade is empty' as problem
    from grades
    where grade is null

    union all
    select
        'seeds/fit_grades.csv',
        grade,
        'grade appears more than once'
    from grades
    group by grade
    having count(*) > 1

    union all
    select
        'seeds/fit_grades.csv',
        grade,
        'min_fit_score ''' || min_fit_score_text || ''' is not a number'
    from grades
    where min_fit_score_text is not null and min_fit_score is null

    union all
    select
        'seeds/fit_grades.csv',
        cast(null as {{ dbt.type_string() }}),
        'two grades share min_fit_score ' || min_fit_score_text
    from grades
    where min_fit_score is not null
    group by min_fit_score_text
    having count(*) > 1

    union all
    select
        'seeds/fit_grades.csv',
        cast(null as {{ dbt.type_string() }}),
        'exactly one grade must have an empty min_fit_score (it catches every score below the others); found '
        || cast(count(*) as {{ dbt.type_string() }})
    from grades
    where min_fit_score_text is null
    having count(*) <> 1

    union all
    select
        'seeds/engagement_bands.csv',
        band_text,
        'band ''' || coalesce(band_text, '') || ''' is not a whole number'
    from bands
    where band is null

    union all
    select
        'seeds/engagement_bands.csv',
        band_text,
        'band appears more than once'
    from bands
    group by band_text
    having count(*) > 1

    union all
    select
        'seeds/engagement_bands.csv',
        band_text,
        'min_engagement_score ''' || min_engagement_score_text || ''' is not a number'
    from bands
    where min_engagement_score_text is not null and min_engagement_score is null

    union all
    select
        'seeds/engagement_bands.csv',
        cast(null as {{ dbt.type_string() }}),
        'two bands share min_engagement_score ' || min_engagement_score_text
    from bands
    where min_engagement_score is not null
    group by min_engagement_score_text
    having count(*) > 1

    union all
    select
        'seeds/engagement_bands.csv',
        cast(null as {{ dbt.type_string() }}),
        'exactly one band must have an empty min_engagement_score (it catches every score below the others); found '
        || cast(count(*) as {{ dbt.type_string() }})
    from bands
    where min_engagement_score_text is null
    having count(*) <> 1
),

final as (
    select
        seed,
        tier as rule_id,
        cast(null as {{ dbt.type_string() }}) as valid_from,
        problem
    from problems
)

select * from final
