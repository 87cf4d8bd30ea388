import type { Ref } from "react";

/** A failure said in place; focusable so the redirect buttons can move focus onto it. */
export function Alert(props: { text: string | undefined; alertRef?: Ref<HTMLParagraphElement> }) {
  if (!props.text) return null;
  return (
    <p className="portico-alert" role="alert" tabIndex={-1} ref={props.alertRef}>
      {props.text}
    </p>
  );
}
