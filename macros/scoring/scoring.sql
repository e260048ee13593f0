{#- The scoring math, in one place (docs/semantics.md §2-§3). -#}

{#- True when the versioned row `alias` is in force at the timestamp `at`. -#}
{% macro is_in_force(alias, at) -%}
    ({{ alias }}.valid_from_at <= {{ at }} and ({{ alias }}.valid_to_at is null or {{ at }} < {{ alias }}.valid_to_at))
{%- endmacro %}

{#-
    The MQL criteria of spec §4 at a scored instant but the total score's: a threshold version is
    in force (`thresholds`, left-joined on is_in_force: its columns are null when none is), its
    min_fit_score and min_engagement_score are met where set, and no disqualifying fit rule
    matches (`scores`: fit_score, engagement_score, is_disqualified). False, never null.
-#}
{% macro meets_mql_criteria_but_total(thresholds, scores) -%}
    coalesce(
        {{ thresholds }}.valid_from is not null
        and ({{ thresholds }}.min_fit_score is null or {{ scores }}.fit_score >= {{ thresholds }}.min_fit_score)
        and (
            {{ thresholds }}.min_engagement_score is null
            or {{ scores }}.engagement_score >= {{ thresholds }}.min_engagement_score
        )
        and not {{ scores }}.is_disqualified,
        false
    )
{%- endmacro %}

{#-
    Decay without pairing every instant with every earlier event (docs/semantics.md §3).

    An event's points at instant t are points * 0.5 ^ ((t - occurred_at) / half_life). Time is cut
    into buckets of 512 half-lives; with A the end of t's bucket,
        0.5 ^ ((t - o) / h) = 2 ^ ((A - t) / h)  *  0.5 ^ ((A - o) / h),
    where the first factor is at most 2^512 and the second at most 1, so a running sum of the
    second factor over a lead's events, times the first, is the decayed sum with no overflow.
    Events of earlier buckets are carried over with the factor
    0.5 ^ (512 * buckets apart - half-lives from t to its bucket end), whose exponent is >= 0.
-#}

{#- Half-lives per decay bucket. -#}
{% macro decay_bucket_half_lives() -%}
    512
{%- endmacro %}

{#- 0.5 ^ exponent for exponent >= 0; exactly 0 below 2^-1100 so no engine raises an underflow. -#}
{% macro power_of_half(exponent) -%}
    case when {{ exponent }} > 1100 then 0.0 else power(0.5, {{ exponent }}) end
{%- endmacro %}

{#- The decay bucket of a timestamp under a half-life in days (0 when there is no decay). -#}
{% macro decay_bucket(timestamp_expr, half_life_days) -%}
    case
        when {{ half_life_days }} is null then 0
        else floor(
            {{ lead_scoring.epoch_seconds(timestamp_expr) }}
            / (86400.0 * {{ lead_scoring.decay_bucket_half_lives() }} * {{ half_life_days }})
        )
    end
{%- endmacro %}

{#- Half-lives from a timestamp to the end of its decay bucket, in (0, 512]. -#}
{% macro half_lives_to_bucket_end(timestamp_expr, half_life_days, bucket) -%}
    (
        ({{ bucket }} + 1) * 86400.0 * {{ lead_scoring.decay_bucket_half_lives() }} * {{ half_life_days }}
        - {{ lead_scoring.epoch_seconds(timestamp_expr) }}
    ) / (86400.0 * {{ half_life_days }})
{%- endmacro %}

{#- An event's weight in its bucket: 0.5 ^ (half-lives to the bucket end); 1 without decay. -#}
{% macro decay_weight(timestamp_expr, half_life_days, bucket) -%}
    case
        when {{ half_life_days }} is null then 1.0
        else {{ lead_scoring.power_of_half(lead_scoring.half_lives_to_bucket_end(timestamp_expr, half_life_days, bucket)) }}
    end
{%- endmacro %}

{#-
    The decayed count at `timestamp_expr` from `bucket_weight`, a running sum of decay_weight in
    its bucket up to then: the sum divided by that time's own weight, 0.5 ^ (half-lives to the
    bucket end); the sum itself without decay. Dividing by 0.5 ^ h (not multiplying by 2 ^ h)
    keeps an event at its own time exactly 1, and h is in (0, 512], so no guard is needed.
-#}
{% macro decayed_count_from_bucket_weight(bucket_weight, timestamp_expr, half_life_days, bucket) -%}
    case
        when {{ half_life_days }} is null then {{ bucket_weight }}
        else {{ bucket_weight }} / power(
            0.5, {{ lead_scoring.half_lives_to_bucket_end(timestamp_expr, half_life_days, bucket) }}
        )
    end
{%- endmacro %}

{#- A rule's total contribution clipped to [-max_points, +max_points] when max_points is set. -#}
{% macro clipped_points(raw_points, max_points) -%}
    case
        when {{ max_points }} is null then {{ raw_points }}
        else least(greatest({{ raw_points }}, -{{ max_points }}), {{ max_points }})
    end
{%- endmacro %}

{#- Seconds from `earlier` to `later`, fractional seconds kept. -#}
{% macro seconds_between(earlier, later) -%}
    ({{ lead_scoring.epoch_seconds(later) }} - {{ lead_scoring.epoch_seconds(earlier) }})
{%- endmacro %}

{#-
    The factor by which a count at `earlier` has decayed by `later` (not before it): 1 without a
    half-life, else 0.5 ^ (days between / half-life).
-#}
{% macro decay_factor(earlier, later, half_life_days) -%}
    case
        when {{ half_life_days }} is null then 1.0
        else {{ lead_scoring.power_of_half(
            lead_scoring.seconds_between(earlier, later) ~ ' / (86400.0 * ' ~ half_life_days ~ ')'
        ) }}
    end
{%- endmacro %}

{#- Points as sales read them: one decimal at most, no trailing ".0" (27.5, 20). -#}
{% macro format_points(points) -%}
    {%- set one_decimal = lead_scoring.round_half_away_from_zero(points, 1) -%}
    {%- set whole = lead_scoring.round_half_away_from_zero(points, 0) -%}
    case
        when {{ one_decimal }} = {{ whole }}
            then cast(cast({{ whole }} as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
        else cast({{ one_decimal }} as {{ dbt.type_string() }})
    end
{%- endmacro %}
