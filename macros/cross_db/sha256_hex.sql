{#- The sha256 digest of a text expression as 64 lower-case hex digits. -#}
{% macro sha256_hex(expr) -%}
    {{ return(adapter.dispatch('sha256_hex', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__sha256_hex(expr) -%}
    {{ exceptions.raise_compiler_error(
        "hash_pii: no sha256 for adapter '" ~ adapter.type() ~ "'; add " ~ adapter.type()
        ~ "__sha256_hex to macros/cross_db/sha256_hex.sql"
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
