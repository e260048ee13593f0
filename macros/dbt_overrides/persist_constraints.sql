{#-
    dbt-spark adds NOT NULL constraints to a contracted table whenever file_format is unset, as if
    it were Delta; plain Spark tables (Parquet, the default here) cannot take them. Persist
    constraints only for an explicit Delta table (data tests check not_null either way).
-#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if contract_config.enforced and config.get('file_format') == 'delta' -%}
        {%- do alter_table_add_constraints(relation, model.constraints) -%}
        {%- do alter_column_set_constraints(relation, model.columns) -%}
    {%- endif -%}
{% endmacro %}
