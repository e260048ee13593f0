{#-
    Sales feedback and speed to lead (spec §8): MQL entries by the month of mql_at, trigger, fit
    grade at the MQL, outcome and the reason of the disposition that ended the MQL (null when
    none did: still open, or ended by an SQL-promoting event, an opportunity or a win), with the
    median hours to the outcome and the outcomes within var('mql_sla_hours') of the MQL
    (docs/semantics.md §6).
-#}
{%- set sla_hours = lead_scoring.mql_sla_hours() %}

with

mqls as (
    select * from {{ ref('fct_mqls') }}
),

dispositions as (
    select * from {{ ref('int_sales_dispositions_validated') }}
    where dq_issue is null
),

timed as (
    select
        cast({{ dbt.date_trunc('month', 'mqls.mql_at') }} as date) as mql_month,
        mqls.mql_trigger,
        mqls.fit_grade_at_mql,
        mqls.outcome,
        dispositions.reason,
        -- null while open: an open MQL has no outcome yet, so no time to it
        {{ seconds_between('mqls.mql_at', 'mqls.outcome_at') }} / 3600.0 as hours_to_outcome
    from mqls
    left join dispositions
        on mqls.outcome_disposition_id = dispositions.disposition_id
),

aggregated as (
    select
        mql_month,
        mql_trigger,
        fit_grade_at_mql,
        outcome,
        reason,
        count(*) as mqls,
        {{ median('hours_to_outcome') }} as median_hours_to_outcome,
        sum(case when hours_to_outcome <= {{ sla_hours }} then 1 else 0 end) as outcomes_within_sla
    from timed
    group by mql_month, mql_trigger, fit_grade_at_mql, outcome, reason
),

final as (
    select
        ---------- grain
        mql_month,
        mql_trigger,
        fit_grade_at_mql,
        outcome,
        reason,
        ---------- counts
        cast(mqls as {{ dbt.type_bigint() }}) as mqls,
        cast(outcomes_within_sla as {{ dbt.type_bigint() }}) as outcomes_within_sla,
        ---------- durations
        cast(median_hours_to_outcome as {{ type_double() }}) as median_hours_to_outcome,
        cast({{ sla_hours }} as {{ type_double() }}) as mql_sla_hours
    from aggregated
)

select * from final
