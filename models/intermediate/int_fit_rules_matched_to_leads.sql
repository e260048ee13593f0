{#-
    One row per lead and fit-rule version whose condition matches the lead's current attributes
    (docs/semantics.md §2). Rule values are compared as data, never spliced into the SQL.
    Incremental like int_lead_attributes: a run re-matches the rescored leads only (a rule edit
    makes the run a full build, scripts/run.py).

    The lead x rule pairs (about 19 per lead with the demo rules: 19M at 1M leads) carry only
    keys and values: the rule's other columns join the matches at the end, and the list
    operators are their own branches, so no pass holds or re-reads the pairs (a CTE of them
    read twice is buffered, with each rule's description, and spills at scale;
    docs/decisions/0006-large-results-read-once.md).
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{{ lead_scoring.incremental_window_config("lead_scoring.in_incremental_window(ref('int_lead_fingerprints'))") }}

{#- read where it is used (three times): a CTE read more than once can be buffered -#}
{%- set lead_attributes -%}
    select * from {{ ref('int_lead_attributes') }}
    {% if lead_scoring.is_incremental_window() %}
    where {{ lead_scoring.in_incremental_window(lead_fingerprints) }}
    {% endif %}
{%- endset %}

with

fit_rules as (
    select * from {{ ref('stg_seeds__fit_rules') }}
),

fit_rule_values as (
    select * from {{ ref('int_fit_rule_values') }}
),

bounds as (
    select
        rule_id,
        valid_from,
        max(case when item_number = 1 then item_number_value end) as lower_bound,
        max(case when item_number = 2 then item_number_value end) as upper_bound
    from fit_rule_values
    group by rule_id, valid_from
),

-- each rule version's condition, its value parsed once
conditions as (
    select
        fit_rules.rule_id,
        fit_rules.valid_from,
        fit_rules.attribute,
        fit_rules.operator,
        lower(trim(fit_rules.value)) as value_text,
        {{ try_cast('trim(fit_rules.value)', type_double()) }} as value_number,
        bounds.lower_bound,
        bounds.upper_bound
    from fit_rules
    left join bounds
        on
            fit_rules.rule_id = bounds.rule_id
            and fit_rules.valid_from = bounds.valid_from
),

-- the leads whose attribute is one of an in / not_in version's items: two equality joins (text,
-- number) rather than one join on an OR, which no engine can hash
list_hits as (
    select
        lead_attributes.lead_id,
        conditions.rule_id,
        conditions.valid_from
    from ({{ lead_attributes }}) as lead_attributes
    inner join conditions
        on lead_attributes.attribute = conditions.attribute
    inner join fit_rule_values
        on
            conditions.rule_id = fit_rule_values.rule_id
            and conditions.valid_from = fit_rule_values.valid_from
            and lead_attributes.text_value = fit_rule_values.item_text
    where lead_attributes.attribute_kind = 'text' and conditions.operator in ('in', 'not_in')

    union

    select
        lead_attributes.lead_id,
        conditions.rule_id,
        conditions.valid_from
    from ({{ lead_attributes }}) as lead_attributes
    inner join conditions
        on lead_attributes.attribute = conditions.attribute
    inner join fit_rule_values
        on
            conditions.rule_id = fit_rule_values.rule_id
            and conditions.valid_from = fit_rule_values.valid_from
            and lead_attributes.numeric_value = fit_rule_values.item_number_value
    where lead_attributes.attribute_kind = 'number' and conditions.operator in ('in', 'not_in')
),

-- the pairs of a lead's attribute and a version on it that match, but for the list operators:
-- for not_in, every non-null attribute (list_hits takes the hits away below)
pairs as (
    select
        lead_attributes.lead_id,
        conditions.rule_id,
        conditions.valid_from,
        conditions.operator = 'not_in' as is_not_in
    from ({{ lead_attributes }}) as lead_attributes
    inner join conditions
        on lead_attributes.attribute = conditions.attribute
    where
        conditions.operator <> 'in'
        and coalesce(
            case
                when conditions.operator = 'is_null' then lead_attributes.is_null
                when conditions.operator = 'is_not_null' then not lead_attributes.is_null
                when lead_attributes.is_null then false
                when conditions.operator = 'not_in' then true
                when conditions.operator in ('equals', 'not_equals')
                    then
                        (
                            case
                                when lead_attributes.attribute_kind = 'number'
                                    then lead_attributes.numeric_value = conditions.value_number
                                else lead_attributes.text_value = conditions.value_text
                            end
                        ) = (conditions.operator = 'equals')
                when conditions.operator in ('contains', 'not_contains')
                    then
                        ({{ dbt.position('conditions.value_text', 'lead_attributes.text_value') }} > 0)
                        = (conditions.operator = 'contains')
                when conditions.operator = 'gte' then lead_attributes.numeric_value >= conditions.value_number
                when conditions.operator = 'gt' then lead_attributes.numeric_value > conditions.value_number
                when conditions.operator = 'lte' then lead_attributes.numeric_value <= conditions.value_number
                when conditions.operator = 'lt' then lead_attributes.numeric_value < conditions.value_number
                when conditions.operator = 'between' then
                    lead_attributes.numeric_value >= conditions.lower_bound
                    and lead_attributes.numeric_value <= conditions.upper_bound
            end,
            false
        )
),

matches as (
    -- in: a hit
    select
        list_hits.lead_id,
        list_hits.rule_id,
        list_hits.valid_from
    from list_hits
    inner join conditions
        on
            list_hits.rule_id = conditions.rule_id
            and list_hits.valid_from = conditions.valid_from
    where conditions.operator = 'in'

    union all

    -- not_in: a non-null attribute without a hit; every other operator: its match
    select
        pairs.lead_id,
        pairs.rule_id,
        pairs.valid_from
    from pairs
    left join list_hits
        on
            pairs.is_not_in
            and pairs.lead_id = list_hits.lead_id
            and pairs.rule_id = list_hits.rule_id
            and pairs.valid_from = list_hits.valid_from
    where list_hits.lead_id is null
),

final as (
    select
        matches.lead_id,
        fit_rules.rule_id,
        fit_rules.valid_from,
        fit_rules.valid_from_at,
        fit_rules.valid_to_at,
        fit_rules.points,
        fit_rules.is_disqualifying,
        fit_rules.description
    from matches
    inner join fit_rules
        on
            matches.rule_id = fit_rules.rule_id
            and matches.valid_from = fit_rules.valid_from
)

select * from final
