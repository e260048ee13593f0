{#- The vars of spec §8 (docs/contract.md "Vars"), read and checked in one place. -#}

{#-
    The number var `var_name`, checked: a finite number (true, false and text are not), above 0
    when `positive` (else 0 or more), whole when `whole`. Anything else stops the run with an
    error naming the var, its value and what to pass (`example`).
-#}
{% macro number_var(var_name, example, positive=true, whole=false) -%}
    {%- set value = var(var_name) -%}
    {#- value * 0 is 0 for a finite number only (inf and nan give nan) -#}
    {%- set is_finite_number = value is number and value is not boolean and (value * 0) == 0 -%}
    {%- set is_in_range = is_finite_number and (value > 0 if positive else value >= 0) -%}
    {%- if not is_in_range or (whole and value != (value | int)) -%}
        {%- set kind = ('a whole number' if whole else 'a number') ~ (' above 0' if positive else ' of 0 or more') -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ "='" ~ value ~ "' is not " ~ kind ~ ": set it in dbt_project.yml"
            ~ " (vars) or pass e.g. --vars '{" ~ var_name ~ ": " ~ example ~ "}'"
        ) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The var mql_sla_hours: the hours within which sales should act on an MQL. -#}
{% macro mql_sla_hours() -%}
    {{ return(lead_scoring.number_var('mql_sla_hours', 24)) }}
{%- endmacro %}
