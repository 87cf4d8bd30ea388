import { type ReactNode, useEffect, useRef } from "react";

let firstPage = true;

/**
 * The page's h1. After an in-app navigation it takes focus, so a screen reader announces
 * the new page the way a full page load would; the first page leaves focus alone.
 */
export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Portico`;
    if (firstPage) firstPage = false;
    else heading.current?.focus();
  }, [title]);
  return (
    <div className="page-title">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children && <p className="page-lede">{children}</p>}
    </div>
  );
}
