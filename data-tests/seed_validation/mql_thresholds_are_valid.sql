{#- Every problem in seeds/mql_thresholds.csv, one row each: the seed, the version, what to fix. -#}
{{ config(severity='error') }}

with

thresholds as (
    select * from {{ ref('stg_seeds__mql_thresholds') }}
),

problems as (
    select
        valid_from_text,
        'valid_from is empty or not a date (YYYY-MM-DD)' as problem
    from thresholds
    where valid_from is null

    union all
    select
        min(valid_from_text),
        'duplicate valid_from'
        || case
            when min(valid_from_text) <> max(valid_from_text)
                then
                    ' (''' || min(valid_from_text) || ''' and ''' || max(valid_from_text)
                    || ''' are the same date)'
            else ''
        end
        || ': one threshold version per date'
    from thresholds
    where valid_from is not null
    group by valid_from
    having count(*) > 1

    union all
    select
        valid_from_text,
        'min_total_score ''' || coalesce(min_total_score_text, '') || ''' is not a number'
    from thresholds
    where min_total_score is null

    union all
    select
        valid_from_text,
        'min_fit_score ''' || min_fit_score_text || ''' is not a number (or leave it empty)'
    from thresholds
    where min_fit_score_text is not null and min_fit_score is null

    union all
    select
        valid_from_text,
        'min_engagement_score ''' || min_engagement_score_text || ''' is not a number (or leave it empty)'
    from thresholds
    where min_engagement_score_text is not null and min_engagement_score is null

    union all
    select
        cast(null as {{ dbt.type_string() }}),
        'no threshold version is in force at as_of {{ as_of_text() }}: add a row with an earlier valid_from'
    from (
        select count(*) as versions_in_force from thresholds
        where valid_from_at <= {{ as_of() }}
    ) as in_force
    where versions_in_force = 0
),

final as (
    select
        'seeds/mql_thresholds.csv' as seed,
        cast(null as {{ dbt.type_string() }}) as rule_id,
        valid_from_text as valid_from,
        problem
    from problems
)

select * from final
