{#-
    Personal data (columns with meta contains_pii: true, i.e. email).

    mask_pii(expr) is the value itself, or, when the var `hash_pii` is true
    (scripts/run.py --hash-pii), the sha256 hex digest of its lower-cased text: audiences that
    must not see emails can still join and count by the hash. Null stays null. It is applied
    where the email enters the warehouse (stg_raw__leads), so no table of a --hash-pii build
    holds an email in clear, not even a failed build's kept for inspection in that audience's
    folder; everything downstream carries the hash.
-#}
{% macro mask_pii(expr) -%}
    {%- if var('hash_pii', false) | string | lower in ['true', '1', 'yes'] -%}
        {{ return(adapter.dispatch('sha256_hex', 'lead_scoring')('lower(' ~ expr ~ ')')) }}
    {%- else -%}
        {{ return(expr) }}
    {%- endif -%}
{%- endmacro %}

{#- The sha256 digest of a text expression as 64 lower-case hex digits. -#}
{% macro default__sha256_hex(expr) -%}
    {{ exceptions.raise_compiler_error(
        "hash_pii: no sha256 for adapter '" ~ adapter.type() ~ "'; add " ~ adapter.type()
        ~ "__sha256_hex to macros/pii.sql"
    ) }}
{%- endmacro %}

{% macro duckdb__sha256_hex(expr) -%}
    sha256({{ expr }})
{%- endmacro %}

{% macro postgres__sha256_hex(expr) -%}
    encode(sha256(convert_to({{ expr }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro spark__sha256_hex(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}
