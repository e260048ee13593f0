{#- Every problem in seeds/engagement_rules.csv, one row each: the seed, the rule, what to fix. -#}
{{ config(severity='error') }}

with

rules as (
    select * from {{ ref('stg_seeds__engagement_rules') }}
),

problems as (
    {{ rule_version_problems('rules') }}

    union all
    select
        rule_id,
        valid_from_text,
        'event_type is empty'
    from rules
    where event_type is null

    union all
    select
        rule_id,
        valid_from_text,
        'max_points ''' || max_points_text || ''' must be a number > 0 (or empty for no cap)'
    from rules
    where max_points_text is not null and coalesce(max_points, 0) <= 0

    union all
    select
        rule_id,
        valid_from_text,
        'half_life_days ''' || half_life_days_text || ''' must be a number > 0 (or empty for no decay)'
    from rules
    where half_life_days_text is not null and coalesce(half_life_days, 0) <= 0

    union all
    select
        rule_id,
        valid_from_text,
        'promotes_to ''' || promotes_to || ''' is unknown: use mql, sql or leave it empty'
    from rules
    where promotes_to is not null and promotes_to not in ('mql', 'sql')
),

final as (
    select
        'seeds/engagement_rules.csv' as seed,
        rule_id,
        valid_from_text as valid_from,
        problem
    from problems
)

select * from final
