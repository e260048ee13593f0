{#-
    The fit-rule operators, each defined once: matching (int_fit_rules_matched_to_leads), seed
    validation (data-tests/seed_validation/) and the README's operator table
    (python -m lead_scoring.fit_operators) are generated from this definition.
    tests/reference/model.py holds its independent twin; docs/decisions/0019-fit-operators-defined-once.md
    says how to add an operator.

    Each operator has:
    - kinds: the attribute kinds it applies to ('text', 'number'); a rule using it on another
      kind is a seed validation error;
    - value: what the rule's value holds: 'none' (left empty), 'one' (one value), 'list'
      ('|'-separated items) or 'bounds' (two numbers, 'lower | upper');
    - matches: its predicate, SQL with these inputs in braces:
        {attribute}          the lead's attribute: lower-cased text, or a number
        {value}              the rule's value: trimmed lower-cased text, or a number ('one')
        {lower_bound}, {upper_bound}
                             the rule's bounds ('bounds')
        {is_listed}          whether the attribute is one of the rule's items ('list'). A list
                             operator's predicate reads nothing else, so it is settled once per
                             rule for a listed and an unlisted attribute: the leads among the items
                             are found by an equality join on them, and no lead is paired with a
                             rule that matches only those
        {attribute_is_null}  whether the attribute is null ('none'). An operator that takes a
                             value never matches a null attribute (docs/semantics.md §2)
      On an attribute of kind number, {attribute} and {value} are numbers; on kind text, text;
    - description: what it matches, in words, for the README.
-#}
{% macro fit_operators() -%}
    {{ return({
        'equals': {
            'kinds': ['text', 'number'],
            'value': 'one',
            'matches': '{attribute} = {value}',
            'description': 'the attribute equals the value',
        },
        'not_equals': {
            'kinds': ['text', 'number'],
            'value': 'one',
            'matches': '{attribute} <> {value}',
            'description': 'the attribute is present and differs from the value',
        },
        'in': {
            'kinds': ['text', 'number'],
            'value': 'list',
            'matches': '{is_listed}',
            'description': 'the attribute equals one of the items',
        },
        'not_in': {
            'kinds': ['text', 'number'],
            'value': 'list',
            'matches': 'not {is_listed}',
            'description': 'the attribute is present and equals none of the items',
        },
        'contains': {
            'kinds': ['text'],
            'value': 'one',
            'matches': (dbt.position('{value}', '{attribute}') | trim) ~ ' > 0',
            'description': 'the value is part of the attribute',
        },
        'not_contains': {
            'kinds': ['text'],
            'value': 'one',
            'matches': 'not (' ~ (dbt.position('{value}', '{attribute}') | trim) ~ ' > 0)',
            'description': 'the attribute is present and the value is not part of it',
        },
        'gte': {
            'kinds': ['number'],
            'value': 'one',
            'matches': '{attribute} >= {value}',
            'description': 'the attribute is at least the value',
        },
        'gt': {
            'kinds': ['number'],
            'value': 'one',
            'matches': '{attribute} > {value}',
            'description': 'the attribute is more than the value',
        },
        'lte': {
            'kinds': ['number'],
            'value': 'one',
            'matches': '{attribute} <= {value}',
            'description': 'the attribute is at most the value',
        },
        'lt': {
            'kinds': ['number'],
            'value': 'one',
            'matches': '{attribute} < {value}',
            'description': 'the attribute is less than the value',
        },
        'between': {
            'kinds': ['number'],
            'value': 'bounds',
            'matches': '{attribute} >= {lower_bound} and {attribute} <= {upper_bound}',
            'description': 'the attribute lies between the bounds, both included',
        },
        'is_null': {
            'kinds': ['text', 'number'],
            'value': 'none',
            'matches': '{attribute_is_null}',
            'description': 'the attribute is missing',
        },
        'is_not_null': {
            'kinds': ['text', 'number'],
            'value': 'none',
            'matches': 'not {attribute_is_null}',
            'description': 'the attribute is present',
        },
    }) }}
{%- endmacro %}

{#- The names of the fit operators whose value is one of `values` ('none', 'one', 'list', 'bounds'). -#}
{% macro fit_operators_taking(values) -%}
    {%- set names = [] %}
    {%- for name, operator in lead_scoring.fit_operators().items() if operator.value in values %}
        {%- do names.append(name) %}
    {%- endfor %}
    {{- return(names) }}
{%- endmacro %}

{#- The names of the fit operators that take a value and apply to attributes of `kind`. -#}
{% macro fit_operators_with_a_value_on(kind) -%}
    {%- set names = [] %}
    {%- for name, operator in lead_scoring.fit_operators().items()
        if operator.value != 'none' and kind in operator.kinds %}
        {%- do names.append(name) %}
    {%- endfor %}
    {{- return(names) }}
{%- endmacro %}

{#- Whether the operator `column` is one of `names`: false when there are none. -#}
{% macro is_one_of_operators(column, names) -%}
    {%- if names -%}
        ({{ column }} in ('{{ names | join("', '") }}'))
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#-
    The `when ... then ...` branches of a case on the operator `column` (and the attribute kind
    `kind_column`) for the fit operators `names`: each operator's predicate with `inputs`, the SQL
    of each input it reads, by input name (for {attribute} and {value}, by kind too). An operator
    whose predicate reads the same on every kind it applies to gets one branch, which needs no
    `kind_column`.
-#}
{% macro fit_operator_branches(column, names, inputs, kind_column=none) -%}
    {%- set operators = lead_scoring.fit_operators() %}
    {%- for name in names %}
        {%- set operator = operators[name] %}
        {%- for input in modules.re.findall('[{](\\w+)[}]', operator.matches) if input not in inputs %}
            {{- exceptions.raise_compiler_error(
                "macros/scoring/fit_operators.sql: the predicate of fit operator '" ~ name ~ "' reads {"
                ~ input ~ "}, which an operator whose value is '" ~ operator.value ~ "' does not get; it gets {"
                ~ inputs.keys() | join('}, {') ~ "}"
            ) }}
        {%- endfor %}
        {%- set by_kind = {} %}
        {%- for kind in operator.kinds %}
            {%- set kind_inputs = {} %}
            {%- for input, sql in inputs.items() %}
                {%- do kind_inputs.update({input: sql[kind] if sql is mapping else sql}) %}
            {%- endfor %}
            {%- do by_kind.update({kind: operator.matches.format(**kind_inputs)}) %}
        {%- endfor %}
        {%- if by_kind.values() | unique | list | length == 1 %}
    when {{ column }} = '{{ name }}' then {{ by_kind[operator.kinds[0]] }}
        {%- else %}
            {%- for kind, predicate in by_kind.items() %}
    when {{ column }} = '{{ name }}' and {{ kind_column }} = '{{ kind }}' then {{ predicate }}
            {%- endfor %}
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
