// Imports the package by its name, as a Vite user would; writes what the scenario observed.
import * as gorqs from "gorqs";
import { scenario } from "./scenario.mjs";

const state = document.getElementById("state");
const outcome = document.getElementById("outcome");
scenario(gorqs).then(
  (observed) => {
    outcome.textContent = JSON.stringify(observed, null, 2);
    state.textContent = "done";
  },
  (error) => {
    outcome.textContent = String(error && error.stack ? error.stack : error);
    state.textContent = "error";
  },
);
