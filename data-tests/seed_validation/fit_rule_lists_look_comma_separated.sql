{#-
    Lists in seeds/fit_rules.csv (the value of a list operator, macros/scoring/fit_operators.sql)
    whose items look separated by commas instead of '|': 'US, CA, GB' is one item, which nothing
    matches. Only a warning (with the rows in the run summary), since one value may hold a comma
    ('Health, Wellness and Fitness').
-#}
{{ config(severity='warn') }}

with

rules as (
    select * from {{ ref('stg_seeds__fit_rules') }}
),

final as (
    select
        'seeds/fit_rules.csv' as seed,
        rule_id,
        valid_from_text as valid_from,
        'the ' || operator || ' list ''' || value || ''' has commas and no |: it is one item. '
        || 'Separate items with | (e.g. US | CA | GB), or ignore this if the comma is part of '
        || 'the value' as problem
    from rules
    where
        {{ is_one_of_operators('operator', fit_operators_taking(['list'])) }}
        and value like '%,%'
        and value not like '%|%'
)

select * from final
