{#-
    The `as_of` var as a validated UTC timestamp string; default: the time the run started.

    `lead-scoring run` hands its as_of to dbt in LEAD_SCORING_RUN_AS_OF instead of --vars (the var,
    when given, still wins), read only when dbt executes: dbt parses the project again whenever
    --vars change, and a scheduled run's as_of changes every run (docs/operations.md
    "Parsing once").
-#}
{% macro as_of_text() -%}
    {%- set raw = var('as_of', none) -%}
    {%- if (raw is none or (raw | string | trim) == '') and execute -%}
        {%- set raw = env_var('LEAD_SCORING_RUN_AS_OF', '') -%}
    {%- endif -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }}
    {%- endif -%}
    {{ return(lead_scoring.timestamp_var_text(
        'as_of', raw, ", e.g. --vars '{as_of: \"2026-11-01\"}'"
    )) }}
{%- endmacro %}

{#- The `as_of` var as a SQL timestamp expression. -#}
{% macro as_of() -%}
    cast('{{ as_of_text() }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
