{#-
    dbt's should_full_refresh (which its incremental materializations and is_incremental() ask),
    with one addition: a model configured `whole_unless_continued` (incremental_window_config) is
    computed whole unless this run continues the previous build. Elsewhere the same as dbt's:
    the model's `full_refresh` config, else the --full-refresh flag.
-#}
{% macro should_full_refresh() -%}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is none -%}
        {%- set configured = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if not configured and config.get('whole_unless_continued', false) -%}
        {%- set configured = not lead_scoring.continues_previous_build() -%}
    {%- endif -%}
    {{ return(configured) }}
{%- endmacro %}
