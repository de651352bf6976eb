/**
 * A button that opens the file picker (several files, or a folder, as `webkitdirectory`); the input is
 * cleared after each pick so the same pick works twice. Keyboard and screen readers reach the input
 * itself (visually hidden inside its label).
 */
// The hook is passed as `data-testid`, as written on elements, so docs/test-hooks.md's check finds it where it is used.
export function FilePicker({
  label,
  'data-testid': testId,
  accept,
  folder = false,
  className,
  onFiles,
}: {
  label: string;
  'data-testid': string;
  accept?: string;
  folder?: boolean;
  className?: string;
  onFiles: (files: File[]) => void;
}) {
  return (
    <label className={className} style={{ cursor: 'pointer' }}>
      <input
        type="file"
        multiple
        accept={accept}
        className="visually-hidden"
        data-testid={testId}
        ref={folder ? (el) => el?.setAttribute('webkitdirectory', '') : undefined}
        onChange={(e) => {
          if (e.target.files) onFiles(Array.from(e.target.files));
          e.target.value = '';
        }}
      />
      {label}
    </label>
  );
}
