import { type FormEvent, type ReactNode, useRef, useState } from "react";
import { ApiError } from "../api/client.js";
import type { User } from "../session.js";
import { useSession } from "../session.js";
import { TextField } from "./text-field.js";

export interface Credentials {
  email: string;
  password: string;
}

type FieldErrors = Partial<Record<keyof Credentials, string>>;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD_LENGTH = 8;

/** The checks the server also makes, so most mistakes are explained before a round trip. */
function checkCredentials(values: Credentials, isNewPassword: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.email.trim()) errors.email = "Enter your email address.";
  else if (!EMAIL_PATTERN.test(values.email.trim())) {
    errors.email = "Enter an email address like name@example.com.";
  }
  if (!values.password) errors.password = "Enter your password.";
  else if (isNewPassword && values.password.length < MIN_PASSWORD_LENGTH) {
    errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  return errors;
}

/** Server field errors for our two fields; anything else is said above the form. */
function splitServerError(error: unknown): { fields: FieldErrors; message?: string } {
  if (!(error instanceof ApiError)) return { fields: {}, message: "Something went wrong." };
  const fields: FieldErrors = {};
  if (error.fields.email) fields.email = error.fields.email;
  if (error.fields.password) fields.password = error.fields.password;
  return Object.keys(fields).length > 0 ? { fields } : { fields, message: error.message };
}

export function AuthForm(props: {
  submitLabel: string;
  isNewPassword: boolean;
  submit(credentials: Credentials): Promise<{ user: User }>;
  footer: ReactNode;
}) {
  const { signedIn } = useSession();
  const [values, setValues] = useState<Credentials>({ email: "", password: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [pending, setPending] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const focusFirstInvalid = () =>
    requestAnimationFrame(() =>
      form.current?.querySelector<HTMLElement>("[aria-invalid]")?.focus(),
    );

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const found = checkCredentials(values, props.isNewPassword);
    setErrors(found);
    setFormError(undefined);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid();
      return;
    }
    setPending(true);
    try {
      const { user } = await props.submit({ ...values, email: values.email.trim() });
      signedIn(user);
    } catch (error) {
      const { fields, message } = splitServerError(error);
      setErrors(fields);
      setFormError(message);
      setPending(false);
      focusFirstInvalid();
    }
  };

  const update = (field: keyof Credentials) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [field]: event.target.value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  return (
    <form ref={form} className="card auth-form" onSubmit={onSubmit} noValidate>
      {formError && (
        <p className="alert" role="alert">
          {formError}
        </p>
      )}
      <TextField
        id="email"
        label="Email"
        type="email"
        autoComplete="email"
        inputMode="email"
        spellCheck={false}
        value={values.email}
        onChange={update("email")}
        error={errors.email}
        required
      />
      <TextField
        id="password"
        label="Password"
        type="password"
        autoComplete={props.isNewPassword ? "new-password" : "current-password"}
        value={values.password}
        onChange={update("password")}
        error={errors.password}
        hint={props.isNewPassword ? `At least ${MIN_PASSWORD_LENGTH} characters.` : undefined}
        required
      />
      <button
        type="submit"
        className="button button-primary button-block"
        disabled={pending}
        aria-busy={pending || undefined}
      >
        {props.submitLabel}
      </button>
      <p className="auth-footer">{props.footer}</p>
    </form>
  );
}
