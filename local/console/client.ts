/// <reference lib="dom" />
/**
 * Browser side of the triage console, kept small: it refreshes the lanes table every few seconds
 * (the server renders and escapes it; the script only swaps it in) and enables a purge button only
 * once the DLQ's name is typed exactly. Every action still works without it: the server checks
 * the typed name again.
 */
const REFRESH_MS = 2000;

function refreshOverview(): void {
    const target = document.querySelector<HTMLElement>("[data-refresh]");
    if (target === null) {
        return;
    }
    const source = target.dataset.refresh ?? "";
    window.setInterval(() => {
        fetch(source, { credentials: "same-origin", headers: { accept: "text/html" } })
            .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
            .then((fragment) => {
                target.innerHTML = fragment;
            })
            .catch(() => target.classList.add("stale"));
    }, REFRESH_MS);
}

function guardPurges(): void {
    document.querySelectorAll<HTMLFormElement>("form.purge").forEach((form) => {
        const input = form.querySelector<HTMLInputElement>("input[name=confirm]");
        const button = form.querySelector<HTMLButtonElement>("button");
        if (input === null || button === null) {
            return;
        }
        const update = () => {
            button.disabled = input.value.trim() !== input.dataset.expected;
        };
        input.addEventListener("input", update);
        update();
    });
}

document.addEventListener("DOMContentLoaded", () => {
    refreshOverview();
    guardPurges();
});
