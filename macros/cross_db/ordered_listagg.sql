{#- Text values of a group joined by a delimiter in the order of `order_by_expr` (an aggregate). -#}
{% macro ordered_listagg(measure, delimiter_text, order_by_expr) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'lead_scoring')(measure, delimiter_text, order_by_expr)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter_text, order_by_expr) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by_expr) }}
{%- endmacro %}

{#- dbt's spark__listagg ignores the order; sort (key, value) pairs instead. -#}
{% macro spark__ordered_listagg(measure, delimiter_text, order_by_expr) -%}
    case
        when count({{ measure }}) > 0 then
            array_join(
                transform(
                    array_sort(collect_list(named_struct('sort_key', {{ order_by_expr }}, 'value', {{ measure }}))),
                    entry -> entry.value
                ),
                {{ delimiter_text }}
            )
    end
{%- endmacro %}
