import type { Child } from "hono/jsx";
import { causesFor, otherCauses, type OktaError } from "./api";

/** The CSRF field every form carries. */
export const Csrf = (p: { token: string }) => <input type="hidden" name="csrf" value={p.token} />;

/** Errors of one field, tied to it by aria-describedby. */
function FieldErrors(p: { id: string; errors: string[] }) {
  if (!p.errors.length) return null;
  return (
    <div id={`${p.id}-error`}>
      {p.errors.map((e) => (
        <p class="field-error">{e}</p>
      ))}
    </div>
  );
}

const described = (id: string, errors: string[], hint?: string) =>
  [errors.length ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;

export interface FieldProps {
  id: string;
  name?: string;
  label: string;
  value?: string;
  /** The admin API field names whose errorCauses belong next to this field. */
  api?: string[];
  error?: OktaError;
  hint?: string;
  type?: string;
  required?: boolean;
  autocomplete?: string;
}

export function TextField(p: FieldProps) {
  const errors = causesFor(p.error, ...(p.api ?? [p.name ?? p.id]));
  return (
    <>
      <label for={p.id}>{p.label}</label>
      <input
        id={p.id}
        name={p.name ?? p.id}
        type={p.type ?? "text"}
        value={p.value ?? ""}
        required={p.required}
        autocomplete={p.autocomplete ?? "off"}
        aria-invalid={errors.length ? "true" : undefined}
        aria-describedby={described(p.id, errors, p.hint)}
      />
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      <FieldErrors id={p.id} errors={errors} />
    </>
  );
}

export function TextArea(p: FieldProps & { rows?: number }) {
  const errors = causesFor(p.error, ...(p.api ?? [p.name ?? p.id]));
  return (
    <>
      <label for={p.id}>{p.label}</label>
      <textarea
        id={p.id}
        name={p.name ?? p.id}
        rows={p.rows ?? 3}
        required={p.required}
        aria-invalid={errors.length ? "true" : undefined}
        aria-describedby={described(p.id, errors, p.hint)}
      >
        {p.value ?? ""}
      </textarea>
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      <FieldErrors id={p.id} errors={errors} />
    </>
  );
}

export function Select(p: FieldProps & { options: ReadonlyArray<string | { value: string; label: string }> }) {
  const errors = causesFor(p.error, ...(p.api ?? [p.name ?? p.id]));
  return (
    <>
      <label for={p.id}>{p.label}</label>
      <select id={p.id} name={p.name ?? p.id} aria-invalid={errors.length ? "true" : undefined} aria-describedby={described(p.id, errors, p.hint)}>
        {p.options.map((o) => {
          const { value, label } = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option value={value} selected={value === p.value}>
              {label}
            </option>
          );
        })}
      </select>
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      <FieldErrors id={p.id} errors={errors} />
    </>
  );
}

/** A group of checkboxes in a fieldset with a legend. */
export function Checkboxes(p: FieldProps & { options: readonly string[]; checked: readonly string[] }) {
  const errors = causesFor(p.error, ...(p.api ?? [p.name ?? p.id]));
  return (
    <fieldset class="check" aria-describedby={described(p.id, errors, p.hint)}>
      <legend class="label">{p.label}</legend>
      {p.options.map((o, i) => (
        <span>
          <input type="checkbox" id={`${p.id}-${i}`} name={p.name ?? p.id} value={o} checked={p.checked.includes(o)} />
          <label for={`${p.id}-${i}`}>{o}</label>{" "}
        </span>
      ))}
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      <FieldErrors id={p.id} errors={errors} />
    </fieldset>
  );
}

/** The Okta error above a form: its summary and the causes that name no field of the form. */
export function FormError(p: { error?: OktaError; fields: string[] }) {
  if (!p.error) return null;
  const rest = otherCauses(p.error, p.fields);
  return (
    <div class="error" role="alert">
      <p style="margin:0">
        {p.error.errorSummary} <span class="muted">({p.error.errorCode})</span>
      </p>
      {rest.length > 0 && (
        <ul>
          {rest.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A one-button POST form (activate, delete, rotate ...). */
export function ActionButton(p: { action: string; csrf: string; label: string; danger?: boolean; secondary?: boolean; children?: Child }) {
  return (
    <form class="inline" method="post" action={p.action}>
      <Csrf token={p.csrf} />
      {p.children}
      <button type="submit" class={p.danger ? "danger" : p.secondary ? "secondary" : undefined}>
        {p.label}
      </button>
    </form>
  );
}

export const Notice = (p: { text?: string | null }) =>
  p.text ? (
    <p class="notice" role="status">
      {p.text}
    </p>
  ) : null;
