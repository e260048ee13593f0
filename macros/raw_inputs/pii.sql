{#-
    Personal data (columns with meta contains_pii: true, i.e. email).

    mask_pii(expr) is the value itself, or, when the var `hash_pii` is true
    (lead-scoring run --hash-pii), the sha256 hex digest of its lower-cased text: audiences that
    must not see emails can still join and count by the hash. Null stays null. It is applied
    where the email enters the warehouse (stg_raw__leads), so no table of a --hash-pii build
    holds an email in clear, not even a failed build's kept for inspection in that audience's
    folder; everything downstream carries the hash.
-#}
{% macro mask_pii(expr) -%}
    {%- if var('hash_pii', false) | string | lower in ['true', '1', 'yes'] -%}
        {{ return(lead_scoring.sha256_hex('lower(' ~ expr ~ ')')) }}
    {%- else -%}
        {{ return(expr) }}
    {%- endif -%}
{%- endmacro %}
