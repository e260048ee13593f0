{#- Seconds since the Unix epoch, as a double, fractional seconds kept. -#}
{% macro epoch_seconds(timestamp_expr) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'lead_scoring')(timestamp_expr)) }}
{%- endmacro %}

{% macro default__epoch_seconds(timestamp_expr) -%}
    cast(extract(epoch from {{ timestamp_expr }}) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__epoch_seconds(timestamp_expr) -%}
    epoch({{ timestamp_expr }})
{%- endmacro %}

{#- Microseconds since the epoch as a double, divided like DuckDB's epoch(). -#}
{% macro spark__epoch_seconds(timestamp_expr) -%}
    (cast(unix_micros({{ timestamp_expr }}) as double) / 1000000)
{%- endmacro %}
