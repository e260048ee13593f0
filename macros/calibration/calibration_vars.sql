{#- The vars of spec §8 (docs/contract.md "Vars"), read and checked in one place. -#}

{#- Each calibration_outcome and the dim_leads column of the lead's first entry into its stage. -#}
{% macro calibration_outcome_columns() -%}
    {{ return({'sql': 'first_sql_at', 'opportunity': 'first_opportunity_at', 'customer': 'customer_at'}) }}
{%- endmacro %}

{#- True for a finite number (not for true, false, text, inf or nan). -#}
{% macro is_finite_number(value) -%}
    {#- value * 0 is 0 for a finite number only (inf and nan give nan) -#}
    {{ return(value is number and value is not boolean and (value * 0) == 0) }}
{%- endmacro %}

{#-
    The number var `var_name`, checked: a finite number (true, false and text are not), above 0
    when `positive` (else 0 or more), whole when `whole`. Anything else stops the run with an
    error naming the var, its value and what to pass (`example`).
-#}
{% macro number_var(var_name, example, positive=true, whole=false) -%}
    {%- set value = var(var_name) -%}
    {%- set is_in_range = lead_scoring.is_finite_number(value) and (value > 0 if positive else value >= 0) -%}
    {%- if not is_in_range or (whole and value != (value | int)) -%}
        {%- set kind = ('a whole number' if whole else 'a number') ~ (' above 0' if positive else ' of 0 or more') -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ "='" ~ value ~ "' is not " ~ kind ~ ": set it in dbt_project.yml"
            ~ " (vars) or pass e.g. --vars '{" ~ var_name ~ ": " ~ example ~ "}'"
        ) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The var mql_sla_hours: the hours within which sales should act on an MQL. -#}
{% macro mql_sla_hours() -%}
    {{ return(lead_scoring.number_var('mql_sla_hours', 24)) }}
{%- endmacro %}

{#-
    The vars of rpt_rule_performance and rpt_threshold_backtest, checked: horizon_days,
    lookback_days, outcome (sql, opportunity or customer) with `outcome_column`, its dim_leads
    column, points_to_double_odds and min_leads.
-#}
{% macro calibration_settings() -%}
    {%- set outcome_columns = lead_scoring.calibration_outcome_columns() -%}
    {%- set outcome = var('calibration_outcome') -%}
    {%- if outcome is not string or outcome not in outcome_columns -%}
        {{ exceptions.raise_compiler_error(
            "var calibration_outcome='" ~ outcome ~ "' is not one of " ~ outcome_columns.keys() | join(', ')
            ~ ": set it in dbt_project.yml (vars) or pass e.g. --vars '{calibration_outcome: sql}'"
        ) }}
    {%- endif -%}
    {{ return({
        'horizon_days': lead_scoring.number_var('calibration_horizon_days', 90, whole=true),
        'lookback_days': lead_scoring.number_var('calibration_lookback_days', 365, whole=true),
        'outcome': outcome,
        'outcome_column': outcome_columns[outcome],
        'points_to_double_odds': lead_scoring.number_var('points_to_double_odds', 10),
        'min_leads': lead_scoring.number_var('calibration_min_leads', 30, positive=false, whole=true),
    }) }}
{%- endmacro %}

{#-
    The var backtest_thresholds: its list of numbers (a number listed twice is one candidate), or
    none when it is not set (null or an empty list: rpt_threshold_backtest then takes its default
    candidates). Anything else stops the run with an error naming the var.
-#}
{% macro backtest_thresholds() -%}
    {%- set value = var('backtest_thresholds', none) -%}
    {%- set is_list = value is sequence and value is not string and value is not mapping -%}
    {%- if value is none or (is_list and value | length == 0) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set numbers = [] -%}
    {%- for item in (value if is_list else []) if lead_scoring.is_finite_number(item) -%}
        {%- do numbers.append(item) -%}
    {%- endfor -%}
    {%- if not is_list or numbers | length < value | length -%}
        {{ exceptions.raise_compiler_error(
            "var backtest_thresholds='" ~ value ~ "' is not a list of numbers: set it in dbt_project.yml"
            ~ " (vars) or pass e.g. --vars '{backtest_thresholds: [40, 50, 60]}'"
        ) }}
    {%- endif -%}
    {{ return(numbers) }}
{%- endmacro %}
