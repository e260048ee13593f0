{#-
    The `as_of` var as a validated UTC timestamp string; default: the time the run started.

    scripts/run.py hands its as_of to dbt in LEAD_SCORING_RUN_AS_OF instead of --vars (the var,
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
    {%- set text = raw | string | trim | replace('T', ' ') | replace('Z', '') -%}
    {%- set match = modules.re.match(
        '^(\\d{4}-\\d{2}-\\d{2})(?: (\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,6})?)?)?$', text
    ) -%}
    {%- if match is none -%}
        {{ exceptions.raise_compiler_error(
            "var as_of='" ~ raw ~ "' is not a UTC timestamp: pass YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS',"
            ~ " e.g. --vars '{as_of: \"2026-11-01\"}'"
        ) }}
    {%- endif -%}
    {%- set fraction = (match.group(5) or '.0')[1:] -%}
    {{ return(
        match.group(1) ~ ' ' ~ (match.group(2) or '00') ~ ':' ~ (match.group(3) or '00')
        ~ ':' ~ (match.group(4) or '00') ~ '.' ~ (fraction ~ '000000')[:6]
    ) }}
{%- endmacro %}

{#- The `as_of` var as a SQL timestamp expression. -#}
{% macro as_of() -%}
    cast('{{ as_of_text() }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
