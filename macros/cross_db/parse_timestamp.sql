{#-
    Timestamp text as a UTC timestamp, null when unparseable. On DuckDB an offset in the text
    ('2026-05-13T09:29:51+02:00', '...Z') is honoured: the value is converted to UTC; text
    without one is UTC already (profiles.yml pins the session's TimeZone to UTC, so the server's
    own time zone never shifts it). Other engines cast the text to a timestamp.
-#}
{% macro parse_timestamp(text) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'lead_scoring')(text)) }}
{%- endmacro %}

{% macro default__parse_timestamp(text) -%}
    {{ lead_scoring.try_cast(text, dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(text) -%}
    timezone('UTC', try_cast({{ text }} as timestamptz))
{%- endmacro %}
