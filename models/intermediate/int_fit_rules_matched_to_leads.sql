{#-
    One row per lead and fit-rule version whose condition matches the lead's current attributes
    (docs/semantics.md §2). Rule values are compared as data, never spliced into the SQL.
    Incremental like int_lead_attributes: a run re-matches the rescored leads only (a rule edit
    makes the run a full build, scripts/run.py).
-#}
-- depends_on: {{ ref('int_lead_fingerprints') }}
{{ lead_scoring.incremental_window_config(none) }}

with

lead_attributes as (
    select * from {{ ref('int_lead_attributes') }}
    {% if lead_scoring.is_incremental_window() %}
    where {{ lead_scoring.in_incremental_window(none) }}
    {% endif %}
),

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

candidates as (
    select
        lead_attributes.lead_id,
        lead_attributes.attribute_kind,
        lead_attributes.text_value,
        lead_attributes.numeric_value,
        lead_attributes.is_null as is_attribute_null,
        fit_rules.rule_id,
        fit_rules.valid_from,
        fit_rules.valid_from_at,
        fit_rules.valid_to_at,
        fit_rules.operator,
        lower(trim(fit_rules.value)) as value_text,
        {{ try_cast('trim(fit_rules.value)', type_double()) }} as value_number,
        fit_rules.points,
        fit_rules.is_disqualifying,
        fit_rules.description
    from lead_attributes
    inner join fit_rules
        on lead_attributes.attribute = fit_rules.attribute
),

list_candidates as (
    select * from candidates
    where operator in ('in', 'not_in')
),

-- two equality joins (text, number) rather than one join on an OR, which no engine can hash
list_hits as (
    select
        list_candidates.lead_id,
        list_candidates.rule_id,
        list_candidates.valid_from
    from list_candidates
    inner join fit_rule_values
        on
            list_candidates.rule_id = fit_rule_values.rule_id
            and list_candidates.valid_from = fit_rule_values.valid_from
            and list_candidates.text_value = fit_rule_values.item_text
    where list_candidates.attribute_kind = 'text'

    union

    select
        list_candidates.lead_id,
        list_candidates.rule_id,
        list_candidates.valid_from
    from list_candidates
    inner join fit_rule_values
        on
            list_candidates.rule_id = fit_rule_values.rule_id
            and list_candidates.valid_from = fit_rule_values.valid_from
            and list_candidates.numeric_value = fit_rule_values.item_number_value
    where list_candidates.attribute_kind = 'number'
),

evaluated as (
    select
        candidates.*,
        coalesce(
            case
                when candidates.operator = 'is_null' then candidates.is_attribute_null
                when candidates.operator = 'is_not_null' then not candidates.is_attribute_null
                when candidates.is_attribute_null then false
                when candidates.operator in ('equals', 'not_equals')
                    then
                        (
                            case
                                when candidates.attribute_kind = 'number'
                                    then candidates.numeric_value = candidates.value_number
                                else candidates.text_value = candidates.value_text
                            end
                        ) = (candidates.operator = 'equals')
                when candidates.operator = 'in' then list_hits.lead_id is not null
                when candidates.operator = 'not_in' then list_hits.lead_id is null
                when candidates.operator in ('contains', 'not_contains')
                    then
                        ({{ dbt.position('candidates.value_text', 'candidates.text_value') }} > 0)
                        = (candidates.operator = 'contains')
                when candidates.operator = 'gte' then candidates.numeric_value >= candidates.value_number
                when candidates.operator = 'gt' then candidates.numeric_value > candidates.value_number
                when candidates.operator = 'lte' then candidates.numeric_value <= candidates.value_number
                when candidates.operator = 'lt' then candidates.numeric_value < candidates.value_number
                when candidates.operator = 'between' then
                    candidates.numeric_value >= bounds.lower_bound
                    and candidates.numeric_value <= bounds.upper_bound
            end,
            false
        ) as is_match
    from candidates
    left join list_hits
        on
            candidates.lead_id = list_hits.lead_id
            and candidates.rule_id = list_hits.rule_id
            and candidates.valid_from = list_hits.valid_from
    left join bounds
        on
            candidates.rule_id = bounds.rule_id
            and candidates.valid_from = bounds.valid_from
),

final as (
    select
        lead_id,
        rule_id,
        valid_from,
        valid_from_at,
        valid_to_at,
        points,
        is_disqualifying,
        description
    from evaluated
    where is_match
)

select * from final
