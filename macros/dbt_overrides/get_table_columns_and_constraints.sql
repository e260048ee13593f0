{% macro postgres__get_table_columns_and_constraints() -%}
    {{ return(lead_scoring.table_columns_and_constraints_in_engine_types()) }}
{%- endmacro %}

{#- dbt's table_columns_and_constraints() (the DDL of a contracted table), in engine types. -#}
{% macro table_columns_and_constraints_in_engine_types() -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(
        raw_columns=lead_scoring.columns_in_engine_types(model['columns'])
    ) -%}
    {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=model['constraints']) -%}
    (
    {% for c in raw_column_constraints -%}
        {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}
