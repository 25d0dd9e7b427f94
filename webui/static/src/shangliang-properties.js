// A properties-panel provider for shangliang's own properties: the spiffworkflow:property
// entries of each user task (stage, form, candidate, clock, warn, clock_start) and the role
// a lane stands for (its name). The choices come from the server (config.shangliang).
import { h } from "preact";
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { is } from "bpmn-js/lib/util/ModelUtil";

function propertiesOf(bo) {
  const extensions = bo.get("extensionElements");
  return extensions && extensions.get("values").find((v) => is(v, "spiffworkflow:Properties"));
}

export function readProperty(bo, name) {
  const all = propertiesOf(bo);
  const found = all && all.get("properties").find((p) => p.name === name);
  return found ? found.value || "" : "";
}

export function writeProperty(element, name, value, moddle, modeling) {
  const bo = element.businessObject;
  let extensions = bo.get("extensionElements");
  if (!extensions) {
    extensions = moddle.create("bpmn:ExtensionElements", { values: [] });
    extensions.$parent = bo;
    modeling.updateModdleProperties(element, bo, { extensionElements: extensions });
  }
  let all = propertiesOf(bo);
  if (!all) {
    all = moddle.create("spiffworkflow:Properties", { properties: [] });
    all.$parent = extensions;
    modeling.updateModdleProperties(element, extensions, { values: [...extensions.get("values"), all] });
  }
  const existing = all.get("properties").find((p) => p.name === name);
  if (!value) {
    if (existing) {
      modeling.updateModdleProperties(element, all, { properties: all.get("properties").filter((p) => p !== existing) });
    }
  } else if (existing) {
    modeling.updateModdleProperties(element, existing, { value });
  } else {
    const created = moddle.create("spiffworkflow:Property", { name, value });
    created.$parent = all;
    modeling.updateModdleProperties(element, all, { properties: [...all.get("properties"), created] });
  }
}

function PropertyEntry(props) {
  const { element, id, name, label, options, description } = props;
  const moddle = useService("moddle");
  const modeling = useService("modeling");
  const debounce = useService("debounceInput");
  const common = {
    element, id, label, description,
    getValue: () => readProperty(element.businessObject, name),
    setValue: (value) => writeProperty(element, name, value, moddle, modeling),
  };
  if (options) {
    return h(SelectEntry, { ...common, getOptions: () => [{ value: "", label: "—" }, ...options] });
  }
  return h(TextFieldEntry, { ...common, debounce });
}

function RoleEntry(props) {
  const { element, id, label, options } = props;
  const modeling = useService("modeling");
  return h(SelectEntry, {
    element, id, label,
    getValue: () => element.businessObject.name || "",
    setValue: (value) => modeling.updateProperties(element, { name: value }),
    getOptions: () => [{ value: "", label: "—" }, ...options],
  });
}

function choices(list) {
  return list.map(([value, label]) => ({ value, label: label ? `${value} · ${label}` : value }));
}

export default function ShangliangPropertiesProvider(propertiesPanel, config) {
  propertiesPanel.registerProvider(400, this);
  this._choices = config || { stages: [], forms: [], candidates: [], roles: [] };
}

// The page sends the words in the user's language (webui/pages/admin.py); these stand in without them.
const PANEL_WORDS = {
  group: "议题办理属性", lane_group: "泳道角色", role: "角色", stage: "阶段", form: "表单", candidate: "办理方",
  clock: "办理期限", warn: "预警提前量", clock_start: "起算", clock_hint: "例如 15wd（工作日）或 3m（月）",
  warn_hint: "例如 3wd", on_ready: "任务到达时", on_signed: "签收时",
};

ShangliangPropertiesProvider.$inject = ["propertiesPanel", "config.shangliang"];

ShangliangPropertiesProvider.prototype.getGroups = function (element) {
  const c = this._choices;
  const w = { ...PANEL_WORDS, ...(c.words || {}) };
  return (groups) => {
    if (is(element, "bpmn:UserTask")) {
      const entry = (name, label, options, description) => ({
        id: `shangliang-${name}`, name, label, options, description, component: PropertyEntry,
        isEdited: options ? isSelectEntryEdited : isTextFieldEntryEdited,
      });
      groups.splice(1, 0, {
        id: "shangliang", label: `${w.group} (shangliang)`,
        entries: [
          entry("stage", `${w.stage} · stage`, choices(c.stages)),
          entry("form", `${w.form} · form`, choices(c.forms)),
          entry("candidate", `${w.candidate} · candidate`, choices(c.candidates)),
          entry("clock", `${w.clock} · clock`, null, w.clock_hint),
          entry("warn", `${w.warn} · warn`, null, w.warn_hint),
          entry("clock_start", `${w.clock_start} · clock_start`,
                choices([["ready", w.on_ready], ["signed", w.on_signed]])),
        ],
      });
    }
    if (is(element, "bpmn:Lane")) {
      groups.splice(1, 0, {
        id: "shangliang-lane", label: `${w.lane_group} (shangliang)`,
        entries: [{ id: "shangliang-role", label: `${w.role} · role`, options: choices(c.roles),
                    component: RoleEntry, isEdited: isSelectEntryEdited }],
      });
    }
    return groups;
  };
};
