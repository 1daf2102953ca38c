"""Roles of the people who work in the system, and what each may do.

Capabilities are sets of roles, so a check reads `role in CAN_REGISTER`.
"""

from django.db import models


class Role(models.TextChoices):
    REGISTRAR = "registrar", "登记员"
    HANDLER = "handler", "承办人"
    UNIT_HEAD = "unit_head", "单位负责人"
    SUPERVISOR = "supervisor", "督查员"
    LEADER = "leader", "领导"
    AUDITOR = "auditor", "审计员"
    ADMIN = "admin", "管理员"


# Who registers petitions (首问负责): front-desk staff and the handlers of small units.
CAN_REGISTER = frozenset({Role.REGISTRAR, Role.HANDLER, Role.UNIT_HEAD})
# Who may see ID numbers, phones and addresses in full (each view is logged).
CAN_SEE_PERSONAL_DATA = frozenset({Role.REGISTRAR, Role.HANDLER, Role.UNIT_HEAD})
# Who may import ledgers and maintain the organisation tree.
CAN_ADMINISTER = frozenset({Role.ADMIN})
# Importing a historical ledger registers cases, so it takes the right to register.
CAN_IMPORT_LEDGER = CAN_REGISTER
# Who reads the log of personal-data views.
CAN_AUDIT = frozenset({Role.AUDITOR, Role.ADMIN})
