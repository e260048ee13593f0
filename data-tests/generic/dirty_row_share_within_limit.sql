{#-
    How many rows of a raw table have one data-quality issue (`column_name` = `issue`), against a
    limit on their share of all the table's rows.

    - no row has the issue: pass;
    - some rows have it, at most `max_share` of the table: warn (docs/semantics.md §1: such rows
      are dropped and counted in rpt_data_quality);
    - more than `max_share` have it, and more than `min_rows` rows or every row: fail. That
      much dirt means the raw file itself is broken (a column of the wrong type, a bad export, a
      file appended twice), and the run must stop before anything is published. `min_rows`
      keeps one odd row of a ten-row table from stopping a run.

    `flag`: the column is a boolean that is true on the rows with the issue (rows kept and
    flagged, not dropped). `broken`: what the message says is wrong above the limit (default:
    the raw file looks broken).

    `max_share` and `min_rows` default to the vars `max_dirty_row_share` (0.05) and
    `min_dirty_rows_to_fail` (10). The failures count is the number of dirty rows; the one
    result row spells out table, issue, count, share and limit. The model must hold one row per
    raw row (the staging and *_validated models do).

    Its meta `dirty_rows` names the row of rpt_data_quality it reports: the run summary shows
    a warning of this test as that row, in that table's words, not as a second line.
-#}
{% test dirty_row_share_within_limit(
    model, column_name, source_table, issue, max_share=none, min_rows=none, flag=false, broken=none
) %}
    {{ config(
        fail_calc='coalesce(sum(dirty_rows), 0)',
        warn_if='!= 0',
        error_if='!= 0 and max(is_above_limit) = 1',
        meta={'dirty_rows': {'source_table': source_table, 'issues': [issue]}}
    ) }}
    {%- set limit = var('max_dirty_row_share', 0.05) if max_share is none else max_share -%}
    {%- if limit is string -%}
        {%- set limit = limit | trim | float(-1) -%}
    {%- endif -%}
    {%- if limit is not number or limit < 0 or limit > 1 -%}
        {{ exceptions.raise_compiler_error(
            "max_dirty_row_share must be a number between 0 and 1 (a share of rows), got " ~ limit
        ) }}
    {%- endif -%}
    {%- set floor = var('min_dirty_rows_to_fail', 10) if min_rows is none else min_rows -%}
    {%- set floor = floor | int(-1) -%}
    {%- if floor < 0 -%}
        {{ exceptions.raise_compiler_error("min_dirty_rows_to_fail must be a whole number >= 0") }}
    {%- endif -%}
    {%- set pct = '%g' | format(limit * 100) -%}
    {%- set kept = 'kept, flagged and counted' if flag else 'dropped and counted' -%}
    {%- set broken = broken or 'the raw file looks broken' -%}

    with

    counted as (
        select
            count(*) as total_rows,
            coalesce(sum(case when {% if flag %}{{ column_name }}{% else %}{{ column_name }} = '{{ issue }}'{% endif %} then 1 else 0 end), 0) as dirty_rows
        from {{ model }}
    ),

    measured as (
        select
            dirty_rows,
            total_rows,
            case
                when dirty_rows > {{ limit }} * total_rows
                    and (dirty_rows > {{ floor }} or dirty_rows = total_rows)
                    then 1
                else 0
            end as is_above_limit,
            cast(round(100.0 * dirty_rows / total_rows, 2) as {{ dbt.type_string() }}) as dirty_percent
        from counted
        where dirty_rows > 0
    ),

    final as (
        select
            '{{ source_table }}' as source_table,
            '{{ issue }}' as issue,
            dirty_rows,
            total_rows,
            is_above_limit,
            'raw table ' || '{{ source_table }}' || ': '
            || cast(dirty_rows as {{ dbt.type_string() }}) || ' of '
            || cast(total_rows as {{ dbt.type_string() }}) || ' rows ('
            || dirty_percent || '%) are {{ issue }}, '
            || case
                when is_above_limit = 1
                    then 'more than the limit of {{ pct }}% (var max_dirty_row_share): '
                    || '{{ broken }}: fix it, or raise the limit, and rerun'
                when dirty_rows > {{ limit }} * total_rows
                    then 'more than {{ pct }}% but no more than {{ floor }} rows '
                    || '(var min_dirty_rows_to_fail): {{ kept }} in rpt_data_quality'
                else 'within the limit of {{ pct }}%: {{ kept }} in rpt_data_quality'
            end as problem
        from measured
    )

    select * from final
{% endtest %}
