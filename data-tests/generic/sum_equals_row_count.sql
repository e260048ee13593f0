{#-
    A report's summed column equals the number of rows of `rows_of` matching `row_filter`, within
    `tolerance` (for a column of fractional credits), so that a report's credits always add up to
    the rows they share out (null counts sum as 0).
-#}
{% test sum_equals_row_count(model, column_name, rows_of, row_filter='1 = 1', tolerance=0) %}
    select report_total, row_total
    from (
        select coalesce(sum({{ column_name }}), 0) as report_total from {{ model }}
    ) as report
    cross join (
        select count(*) as row_total from {{ rows_of }} where {{ row_filter }}
    ) as counted
    where abs(report_total - row_total) > {{ tolerance }}
{% endtest %}
