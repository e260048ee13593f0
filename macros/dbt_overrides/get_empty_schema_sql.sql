{#- dbt's contract check and DDL, with the yml column types in PostgreSQL's spelling. -#}
{% macro postgres__get_empty_schema_sql(columns) -%}
    {{ return(dbt.default__get_empty_schema_sql(lead_scoring.columns_in_engine_types(columns))) }}
{%- endmacro %}

{#- dbt's contract check, with the yml column types in Spark's spelling. -#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {{ return(dbt.default__get_empty_schema_sql(lead_scoring.columns_in_engine_types(columns))) }}
{%- endmacro %}
