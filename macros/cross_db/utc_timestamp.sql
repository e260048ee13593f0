{#- A timestamp-with-time-zone value as the UTC timestamp of the same moment. -#}
{% macro utc_timestamp(expr) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__utc_timestamp(expr) -%}
    ({{ expr }} at time zone 'UTC')
{%- endmacro %}

{% macro duckdb__utc_timestamp(expr) -%}
    timezone('UTC', {{ expr }})
{%- endmacro %}
