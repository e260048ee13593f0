{#-
    A sum of doubles that is the same bit for bit on every run (an aggregate).

    Floating-point addition is not associative, and a parallel engine adds a group's rows in
    whatever order its threads deliver them, so sum(x) can differ in the last bits from one run
    to the next. Summing in a fixed order (`order_by`, unique within each group or over equal
    values) makes reruns with the same inputs and as_of produce identical marts.
-#}
{% macro ordered_sum(expr, order_by) -%}
    {{ return(adapter.dispatch('ordered_sum', 'lead_scoring')(expr, order_by)) }}
{%- endmacro %}

{#- Engines without ordered aggregates: a plain sum (equal up to rounding in the last bits). -#}
{% macro default__ordered_sum(expr, order_by) -%}
    sum({{ expr }})
{%- endmacro %}

{% macro duckdb__ordered_sum(expr, order_by) -%}
    sum({{ expr }} order by {{ order_by }})
{%- endmacro %}

{% macro postgres__ordered_sum(expr, order_by) -%}
    sum({{ expr }} order by {{ order_by }})
{%- endmacro %}

{#-
    Spark has no ordered aggregates, so the values are collected with their sort keys, sorted,
    and added one by one in that order, as DuckDB's and PostgreSQL's sum(... order by ...) do.
    `order_by` is a comma-separated list of columns.
-#}
{% macro spark__ordered_sum(expr, order_by) -%}
    {%- set fields = [] -%}
    {%- for key in order_by.split(',') -%}
        {%- do fields.append("'k" ~ loop.index ~ "', " ~ key | trim) -%}
    {%- endfor -%}
    case
        when count({{ expr }}) > 0 then
            aggregate(
                array_sort(collect_list(named_struct({{ fields | join(', ') }}, 'value', {{ expr }}))),
                cast(0 as double),
                (total, entry) -> total + coalesce(entry.value, cast(0 as double))
            )
    end
{%- endmacro %}
