{#- Every problem in seeds/fit_rules.csv, one row each: the seed, the rule, what to fix. -#}
{{ config(severity='error') }}

{#- what each operator applies to and takes comes from its definition (macros/scoring/fit_operators.sql) -#}
{%- set operators = fit_operators() %}
{%- set without_a_value = fit_operators_taking(['none']) %}
{%- set with_bounds = fit_operators_taking(['bounds']) %}

with

rules as (
    select * from {{ ref('stg_seeds__fit_rules') }}
),

attributes as (
    {{ fit_attributes_relation() }}
),

operators as (
    {%- for name, operator in operators.items() %}
        {%- set outer_loop = loop %}
        {%- for kind in operator.kinds %}
            select
                '{{ name }}' as operator,
                '{{ kind }}' as attribute_kind
            {%- if not (outer_loop.last and loop.last) %} union all{% endif %}
        {%- endfor %}
    {%- endfor %}
),

item_counts as (
    -- the '|'-separated items as int_fit_rule_values splits them for matching
    select
        rule_id,
        valid_from,
        max(item_count) as item_count,
        max(case when item_number = 1 then item_number_value end) as lower_bound,
        max(case when item_number = 2 then item_number_value end) as upper_bound
    from {{ ref('int_fit_rule_values') }}
    group by rule_id, valid_from
),

checked as (
    select
        rules.*,
        attributes.attribute_kind,
        operators.operator is not null as is_operator_allowed,
        item_counts.item_count,
        item_counts.lower_bound,
        item_counts.upper_bound
    from rules
    left join attributes
        on rules.attribute = attributes.attribute
    left join operators
        on
            rules.operator = operators.operator
            and attributes.attribute_kind = operators.attribute_kind
    left join item_counts
        on
            rules.rule_id = item_counts.rule_id
            and rules.valid_from = item_counts.valid_from
),

non_numeric_items as (
    select distinct
        values_.rule_id,
        values_.valid_from
    from {{ ref('int_fit_rule_values') }} as values_
    inner join checked
        on
            values_.rule_id = checked.rule_id
            and values_.valid_from = checked.valid_from
    where
        checked.attribute_kind = 'number'
        and {{ is_one_of_operators('checked.operator', fit_operators_with_a_value_on('number')) }}
        and values_.item_number_value is null
),

problems as (
    {{ rule_version_problems('rules') }}

    union all
    select
        rule_id,
        valid_from_text,
        'attribute ''' || coalesce(attribute, '') || ''' is unknown: use one of '
        || '{{ fit_attributes().keys() | join(", ") }}'
    from checked
    where attribute_kind is null

    union all
    select
        rule_id,
        valid_from_text,
        'operator ''' || coalesce(operator, '') || ''' is unknown: use one of '
        || '{{ operators.keys() | join(", ") }}'
    from rules
    where
        operator is null
        or operator not in (select known.operator from operators as known)

    union all
    select
        rule_id,
        valid_from_text,
        'operator ''' || operator || ''' does not apply to the ' || attribute_kind || ' attribute '''
        || attribute || ''''
    from checked
    where
        attribute_kind is not null
        and operator in (select known.operator from operators as known)
        and not is_operator_allowed

    union all
    select
        rule_id,
        valid_from_text,
        'operator ''' || operator || ''' needs a value'
    from rules
    where value is null and not {{ is_one_of_operators('operator', without_a_value) }}

    union all
    select
        rule_id,
        valid_from_text,
        'operator ''' || operator || ''' takes no value: leave value empty'
    from rules
    where value is not null and {{ is_one_of_operators('operator', without_a_value) }}

    union all
    select
        rule_id,
        valid_from_text,
        operator || ' needs two bounds separated by | (e.g. 200 | 4999)'
    from checked
    where {{ is_one_of_operators('operator', with_bounds) }} and coalesce(item_count, 0) <> 2

    union all
    select
        rule_id,
        valid_from_text,
        operator || ' bounds are in the wrong order: put the lower bound first'
    from checked
    where {{ is_one_of_operators('operator', with_bounds) }} and item_count = 2 and lower_bound > upper_bound

    union all
    select
        rule_id,
        valid_from,
        'value has an item that is not a number, but the attribute is numeric'
    from (
        select
            non_numeric_items.rule_id,
            checked.valid_from_text as valid_from
        from non_numeric_items
        inner join checked
            on
                non_numeric_items.rule_id = checked.rule_id
                and non_numeric_items.valid_from = checked.valid_from
    ) as bad_values

    union all
    select
        rule_id,
        valid_from_text,
        'is_disqualifying ''' || coalesce(is_disqualifying_text, '') || ''' must be true or false'
    from rules
    where is_disqualifying is null
),

final as (
    select
        'seeds/fit_rules.csv' as seed,
        rule_id,
        valid_from_text as valid_from,
        problem
    from problems
)

select * from final
