{#- Helpers of int_lifecycle_steps' state machine (docs/semantics.md §4). -#}

{#-
    The base state of a step's segment from its running key (segment_number * 4 + 1 for a
    recycled reset, + 2 for a disqualified one; null before the first reset): lead, recycled or
    disqualified.
-#}
{% macro lifecycle_segment_base(base_key, segment_number) -%}
    case {{ base_key }} - {{ segment_number }} * 4
        when 1 then 'recycled'
        when 2 then 'disqualified'
        else 'lead'
    end
{%- endmacro %}

{#- The stage of a level (0 to 4) over a segment base. -#}
{% macro lifecycle_stage(level, segment_base) -%}
    case {{ level }}
        when 0 then {{ segment_base }}
        when 1 then 'mql'
        when 2 then 'sql'
        when 3 then 'opportunity'
        else 'customer'
    end
{%- endmacro %}
