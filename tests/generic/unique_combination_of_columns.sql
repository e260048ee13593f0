{#-
    Each combination of the given columns appears at most once.

    `incremental_time_column`: for a model that incremental runs extend (macros/incremental.sql)
    and whose key includes that time (or fixes it), an incremental run checks only the rows it
    recomputed: a duplicate always has at least one of them, since older rows passed before.
    `incremental_by_lead`: the same for a model an incremental run extends by rescored leads,
    whose key includes lead_id.
    `incremental_loaded_by_run`: for a model with a `loaded_by_run` column (the dbt invocation
    that derived the row), an incremental run checks only the combinations of the rows it
    derived: the other rows are the previous build's, which passed.
-#}
{% test unique_combination_of_columns(model, combination_of_columns, incremental_time_column=none, incremental_by_lead=false, incremental_loaded_by_run=false) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    {%- if (incremental_time_column or incremental_by_lead) and lead_scoring.incremental_since_text() is not none %}
    from (
        select * from {{ model }}
        where {{ lead_scoring.in_incremental_window(incremental_time_column) }}
    ) as recomputed
    {%- elif incremental_loaded_by_run and lead_scoring.continues_previous_build() %}
    from (select * from {{ model }}) as checked
    where exists (
        select 1 from (select * from {{ model }}) as derived
        where
            derived.loaded_by_run = '{{ invocation_id }}'
            {%- for column in combination_of_columns %}
            and derived.{{ column }} = checked.{{ column }}
            {%- endfor %}
    )
    {%- else %}
    from {{ model }}
    {%- endif %}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
