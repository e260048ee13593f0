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

    The operators' predicates come from their definition (macros/scoring/fit_operators.sql). A
    list operator's is settled per rule for a listed and an unlisted attribute: the leads among
    its items are an equality join on them, and only a list operator matching the leads not
    among them has pairs, from which the leads among them are taken away.
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{%- set list_operators = lead_scoring.fit_operators_taking(['list']) %}
{%- set attribute_inputs = {
    'attribute': {'text': 'lead_attributes.text_value', 'number': 'lead_attributes.numeric_value'},
    'value': {'text': 'conditions.value_text', 'number': 'conditions.value_number'},
    'lower_bound': 'conditions.lower_bound',
    'upper_bound': 'conditions.upper_bound',
    'attribute_is_null': 'lead_attributes.is_null',
} %}
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
        bounds.upper_bound,
        -- a list operator's predicate for a lead among its items, and for one not among them
        -- (null for the other operators)
        case
            {{- lead_scoring.fit_operator_branches('fit_rules.operator', list_operators, {'is_listed': 'true'}) }}
        end as matches_listed,
        case
            {{- lead_scoring.fit_operator_branches('fit_rules.operator', list_operators, {'is_listed': 'false'}) }}
        end as matches_unlisted
    from fit_rules
    left join bounds
        on
            fit_rules.rule_id = bounds.rule_id
            and fit_rules.valid_from = bounds.valid_from
),

-- the leads whose attribute is one of a list operator's items: two equality joins (text, number)
-- rather than one join on an OR, which no engine can hash
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
    where
        lead_attributes.attribute_kind = 'text'
        and {{ lead_scoring.is_one_of_operators('conditions.operator', list_operators) }}

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
    where
        lead_attributes.attribute_kind = 'number'
        and {{ lead_scoring.is_one_of_operators('conditions.operator', list_operators) }}
),

-- the pairs of a lead's attribute and a version on it that match, a list operator's as for an
-- attribute not among its items (list_hits takes the hits away below)
pairs as (
    select
        lead_attributes.lead_id,
        conditions.rule_id,
        conditions.valid_from,
        {{ lead_scoring.is_one_of_operators('conditions.operator', list_operators) }} as is_list_operator
    from ({{ lead_attributes }}) as lead_attributes
    inner join conditions
        on lead_attributes.attribute = conditions.attribute
    where
        -- a rule of its own: no lead is paired with a list operator matching only its items
        coalesce(conditions.matches_unlisted, true)
        and coalesce(
            case
                {{- lead_scoring.fit_operator_branches(
                    'conditions.operator',
                    lead_scoring.fit_operators_taking(['none']),
                    attribute_inputs,
                    'lead_attributes.attribute_kind'
                ) }}
                -- an operator that takes a value never matches a null attribute
                when lead_attributes.is_null then false
                {{- lead_scoring.fit_operator_branches(
                    'conditions.operator',
                    lead_scoring.fit_operators_taking(['one', 'bounds']),
                    attribute_inputs,
                    'lead_attributes.attribute_kind'
                ) }}
                {{- lead_scoring.fit_operator_branches(
                    'conditions.operator', list_operators, {'is_listed': 'false'}
                ) }}
            end,
            false
        )
),

matches as (
    -- a list operator's hits, where it matches its items
    select
        list_hits.lead_id,
        list_hits.rule_id,
        list_hits.valid_from
    from list_hits
    inner join conditions
        on
            list_hits.rule_id = conditions.rule_id
            and list_hits.valid_from = conditions.valid_from
    where conditions.matches_listed

    union all

    -- every other operator's matches, and a list operator's pairs without a hit
    select
        pairs.lead_id,
        pairs.rule_id,
        pairs.valid_from
    from pairs
    left join list_hits
        on
            pairs.is_list_operator
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
