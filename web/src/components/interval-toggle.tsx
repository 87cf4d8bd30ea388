import type { PriceInterval } from "@portico/react";

const OPTIONS: { value: PriceInterval; label: string }[] = [
  { value: "monthly", label: "Monthly" },
  { value: "annual", label: "Annual" },
];

/** Real radio buttons (arrow keys move between them), drawn as a segmented control. */
export function IntervalToggle(props: {
  value: PriceInterval;
  onChange(value: PriceInterval): void;
  annualSavings?: number | undefined;
}) {
  return (
    <div className="interval">
      <fieldset className="segmented">
        <legend className="visually-hidden">Billing interval</legend>
        {OPTIONS.map((option) => (
          <label key={option.value}>
            <input
              type="radio"
              name="interval"
              value={option.value}
              checked={props.value === option.value}
              onChange={() => props.onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </fieldset>
      {props.annualSavings !== undefined && props.annualSavings > 0 && (
        <p className="savings">Save up to {props.annualSavings}% with annual billing</p>
      )}
    </div>
  );
}
