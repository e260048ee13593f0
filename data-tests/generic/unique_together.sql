{#-
    Each combination of the given columns appears at most once; rows with nulls in the columns
    are compared like values (two rows with the same nulls are a duplicate). Named apart from
    dbt_utils.unique_combination_of_columns, since the incremental options below check part of
    the table only.

    `incremental_time_column`: for a model that incremental runs extend (macros/incremental/incremental.sql)
    and whose key includes that time (or fixes it), an incremental run checks only the rows it
    recomputed: a duplicate always has at least one of them, since older rows passed before.
    `incremental_by_lead`: the same for a model an incremental run extends by rescored leads,
    whose key includes lead_id.
    `incremental_loaded_by_run`: for a model with a `loaded_by_run` column (the dbt invocation
    that derived the row), an incremental run checks only the combinations of the rows it
    derived: the other rows are the previous build's, which passed.
    `only_in_incremental_runs`: check nothing unless the run continues the previous build (a
    full build computes the model with a `group by` of the key, so a copy cannot arise there).
    The run's cutoff is known only when dbt runs the test (macros/incremental/incremental.sql), so such a
    test is always part of the build and passes at once in a full one.

    On an engine with a cheap 64-bit hash (macros/cross_db/key_hash.sql), the rows are first
    grouped by the hash of the columns, and only the rows of a hash seen more than once are
    grouped by the columns themselves: the same result, found sooner on large keys
    (docs/decisions/0008-key-tests.md).
-#}
{% test unique_together(
    model,
    combination_of_columns,
    incremental_time_column=none,
    incremental_by_lead=false,
    incremental_loaded_by_run=false,
    only_in_incremental_runs=false
) %}
    {%- set columns = combination_of_columns | join(', ') %}
    {%- set key_hash = lead_scoring.key_hash(combination_of_columns) %}
    {%- set checked -%}
    {%- if only_in_incremental_runs and not lead_scoring.continues_previous_build() %}
        select {{ columns }} from {{ model }} where 1 = 0
    {%- elif (incremental_time_column or incremental_by_lead) and lead_scoring.continues_previous_build() %}
        select {{ columns }} from {{ model }}
        where {{ lead_scoring.in_incremental_window(lead_scoring.lead_fingerprints_relation(), incremental_time_column) }}
    {%- elif incremental_loaded_by_run and lead_scoring.continues_previous_build() %}
        select {{ columns }} from (select * from {{ model }}) as checked
        where exists (
            select 1 from (select * from {{ model }}) as derived
            where
                derived.loaded_by_run = '{{ invocation_id }}'
                {%- for column in combination_of_columns %}
                and derived.{{ column }} = checked.{{ column }}
                {%- endfor %}
        )
    {%- else %}
        select {{ columns }} from {{ model }}
    {%- endif %}
    {%- endset %}
    select
        {{ columns }},
        count(*) as row_count
    from ({{ checked }}) as checked_rows
    {%- if key_hash %}
    where {{ key_hash }} in (
        select {{ key_hash }} as key_hash
        from ({{ checked }}) as hashed_rows
        group by {{ key_hash }}
        having count(*) > 1
    )
    {%- endif %}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}
