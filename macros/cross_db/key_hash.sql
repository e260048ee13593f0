{#-
    A 64-bit hash of one or more columns, to group by one number instead of the columns; none on
    engines without a cheap one (callers then group by the columns). Equal values hash equal.
-#}
{% macro key_hash(columns) -%}
    {{ return(adapter.dispatch('key_hash', 'lead_scoring')(columns)) }}
{%- endmacro %}

{% macro default__key_hash(columns) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro duckdb__key_hash(columns) -%}
    {{ return('hash(' ~ columns | join(', ') ~ ')') }}
{%- endmacro %}

{% macro spark__key_hash(columns) -%}
    {{ return('xxhash64(' ~ columns | join(', ') ~ ')') }}
{%- endmacro %}
