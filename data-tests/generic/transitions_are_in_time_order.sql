{#- A lead's transitions never go back in time as transition_number grows. -#}
{% test transitions_are_in_time_order(model) %}
    select *
    from (
        select
            lead_id,
            transition_number,
            entered_at,
            lag(entered_at) over (partition by lead_id order by transition_number) as previous_entered_at
        from {{ model }}
    ) as ordered
    where entered_at < previous_entered_at
{% endtest %}
