{#-
    The leads the calibration reports judge (spec §8, docs/semantics.md §6): those created in
    (as_of - var('calibration_lookback_days'), as_of - var('calibration_horizon_days')], old enough
    for the horizon to have passed, and whether each converted: its first entry into the stage of
    var('calibration_outcome') (first_sql_at by any route, first_opportunity_at or customer_at) at
    most the horizon after it was created. What the reports see of a lead ends at its conversion,
    else at the horizon's end (no look-ahead).

    A model of the marts layer, as it reads dim_leads' lifecycle, but protected and stored in the
    intermediate schema: rpt_rule_performance and rpt_threshold_backtest read it, BI does not.
-#}
{%- set calibration = lead_scoring.calibration_settings() %}

with

leads as (
    select * from {{ ref('dim_leads') }}
    where
        created_at > {{ add_days(as_of(), -calibration.lookback_days) }}
        and created_at <= {{ add_days(as_of(), -calibration.horizon_days) }}
),

horizons as (
    select
        lead_id,
        created_at,
        {{ add_days('created_at', calibration.horizon_days) }} as horizon_end_at,
        {{ calibration.outcome_column }} as outcome_entered_at
    from leads
),

final as (
    select
        ---------- ids
        lead_id,
        ---------- booleans
        coalesce(outcome_entered_at <= horizon_end_at, false) as is_converted,
        ---------- timestamps
        created_at,
        horizon_end_at,
        case when outcome_entered_at <= horizon_end_at then outcome_entered_at end as converted_at,
        case when outcome_entered_at <= horizon_end_at then outcome_entered_at else horizon_end_at end
            as observation_end_at
    from horizons
)

select * from final
