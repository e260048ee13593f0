{#- Helpers shared by the engine versions in macros/engines/ (not used on DuckDB). -#}

{#-
    Stop the run with a readable message when a raw table of the `raw` source, or one of its
    columns, is missing on a server warehouse (the counterpart of DuckDB's missing-file check).
-#}
{% macro check_raw_tables() -%}
    {%- for source in graph.sources.values() | selectattr('source_name', 'equalto', 'raw') -%}
        {%- set relation = adapter.get_relation(
            database=source.database, schema=source.schema, identifier=source.identifier
        ) -%}
        {%- if relation is none -%}
            {{ exceptions.raise_compiler_error(
                "Raw table missing: " ~ source.schema ~ "." ~ source.identifier ~ " does not exist on the "
                ~ target.name ~ " target. Load the raw files with: python -m lead_scoring.load_raw_tables "
                ~ "--raw-dir <folder> --target " ~ target.type ~ " --schema " ~ source.schema
            ) }}
        {%- endif -%}
        {%- set found = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- set missing = source.columns.keys() | reject('in', found) | list -%}
        {%- if missing | length > 0 -%}
            {{ exceptions.raise_compiler_error(
                "Raw table '" ~ source.identifier ~ "' (" ~ relation ~ ") lacks column(s): " ~ missing | join(', ')
                ~ ". It has: " ~ found | join(', ') ~ ". The expected layout is in models/staging/_raw__sources.yml."
            ) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- A model's yml columns with each data_type translated by engine_data_type(). -#}
{% macro columns_in_engine_types(columns) -%}
    {%- set translated = {} -%}
    {%- for name, column in columns.items() -%}
        {%- if column.get('data_type') is not none -%}
            {%- do translated.update({name: dict(column, data_type=lead_scoring.engine_data_type(column['data_type']))}) -%}
        {%- else -%}
            {%- do translated.update({name: column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(translated) }}
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
