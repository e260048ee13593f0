{#-
    A sum of doubles that is the same bit for bit whatever order the rows arrive in, and cheap
    enough for the largest tables: each term is rounded to 18 decimal places and summed as an
    exact decimal (abs. error below 1e-17 a term, far inside the spec's 1e-9). Terms must stay
    below 1e20 in magnitude.
-#}
{% macro exact_sum(expr) -%}
    {{ return(adapter.dispatch('exact_sum', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__exact_sum(expr) -%}
    cast(sum(cast({{ expr }} as decimal(38, 18))) as {{ lead_scoring.type_double() }})
{%- endmacro %}

{#-
    DuckDB: the same in 128-bit integers of 1e-18, which DuckDB sums faster than decimals
    (docs/decisions/0005-exact-sums.md): each term is scaled in double precision and rounded
    (abs. error below 1.2e-16 of the term plus 1e-18), then summed exactly. Terms must stay below
    1.7e20 in magnitude.
-#}
{% macro duckdb__exact_sum(expr) -%}
    cast(sum(cast(({{ expr }}) * 1e18 as hugeint)) as double) / 1e18
{%- endmacro %}
