{#-
    Rows for which a boolean SQL expression does not hold: false or null. A null fails, unlike
    dbt_utils.expression_is_true, which passes it (hence the other name).
-#}
{% test expression_holds(model, expression) %}
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
{% endtest %}
