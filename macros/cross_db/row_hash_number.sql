{#-
    A 64-bit hash of a row's columns as an exact number: summed per key, equal sums and row
    counts mean the same rows but with a chance of about 1 in 10^19 per changed key.
-#}
{% macro row_hash_number(columns) -%}
    {{ return(adapter.dispatch('row_hash_number', 'lead_scoring')(columns)) }}
{%- endmacro %}

{% macro default__row_hash_number(columns) -%}
    {{ exceptions.raise_compiler_error(
        "row_hash_number has no version for the adapter '" ~ adapter.type() ~ "': add "
        ~ adapter.type() ~ "__row_hash_number to macros/cross_db/row_hash_number.sql, or run every build with --full-refresh"
    ) }}
{%- endmacro %}

{% macro duckdb__row_hash_number(columns) -%}
    cast(hash({{ columns | join(', ') }}) as decimal(38, 0))
{%- endmacro %}

{% macro postgres__row_hash_number(columns) -%}
    cast(('x' || substr(md5({{ lead_scoring.fingerprint_text(columns) }}), 1, 16))::bit(64)::bigint as decimal(38, 0))
{%- endmacro %}

{% macro spark__row_hash_number(columns) -%}
    cast(xxhash64({{ columns | join(', ') }}) as decimal(38, 0))
{%- endmacro %}
