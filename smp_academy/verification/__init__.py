from flask import Blueprint

bp = Blueprint("verification", __name__)
