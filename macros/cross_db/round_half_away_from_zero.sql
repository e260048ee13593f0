{#- A double rounded to `digits` decimals, halves away from zero (DuckDB's round). -#}
{% macro round_half_away_from_zero(expr, digits) -%}
    {{ return(adapter.dispatch('round_half_away_from_zero', 'lead_scoring')(expr, digits)) }}
{%- endmacro %}

{% macro default__round_half_away_from_zero(expr, digits) -%}
    round({{ expr }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_half_away_from_zero(expr, digits) -%}
    {{ lead_scoring.round_half_away_from_zero_by_floor(expr, digits) }}
{%- endmacro %}

{% macro spark__round_half_away_from_zero(expr, digits) -%}
    {{ lead_scoring.round_half_away_from_zero_by_floor(expr, digits) }}
{%- endmacro %}

{#-
    DuckDB's round(x, digits) on a double: round(x * 10^digits) / 10^digits with halves away
    from zero, computed in doubles the same way (engines whose round() differs use this).
-#}
{% macro round_half_away_from_zero_by_floor(expr, digits) -%}
    {%- if digits == 0 -%}
        (sign({{ expr }}) * floor(abs({{ expr }}) + 0.5))
    {%- else -%}
        {%- set scale = 'cast(' ~ (10 ** digits) ~ ' as ' ~ lead_scoring.type_double() ~ ')' -%}
        (sign({{ expr }}) * floor(abs({{ expr }}) * {{ scale }} + 0.5) / {{ scale }})
    {%- endif -%}
{%- endmacro %}
