{#- A timestamp plus a whole number of days of 86,400 seconds each, microseconds kept. -#}
{% macro add_days(timestamp_expr, days) -%}
    {{ return(adapter.dispatch('add_days', 'lead_scoring')(timestamp_expr, days)) }}
{%- endmacro %}

{% macro default__add_days(timestamp_expr, days) -%}
    {{ dbt.dateadd('day', days, timestamp_expr) }}
{%- endmacro %}

{#- dbt's spark__dateadd goes through whole seconds and drops the microseconds: add microseconds. -#}
{% macro spark__add_days(timestamp_expr, days) -%}
    timestamp_micros(unix_micros({{ timestamp_expr }}) + cast({{ days }} as bigint) * 86400000000)
{%- endmacro %}
